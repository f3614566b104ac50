import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-aWZV3F_F.js";import"./index-DlHAdT7L.js";export{m as default};
