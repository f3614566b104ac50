import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-DaMAErGp.js";import"./index-CCNM99UZ.js";export{m as default};
