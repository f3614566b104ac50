import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-YNgwHRhu.js";import"./index-C0_AuQVs.js";export{m as default};
