import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-DQ5jM2zd.js";import"./index-DCj2wXBI.js";export{m as default};
