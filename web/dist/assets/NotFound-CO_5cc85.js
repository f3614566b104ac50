import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-B5jrlGou.js";import"./index-DaORIFtR.js";export{m as default};
