import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-CdkziQQD.js";import"./index-ByJtGVtK.js";export{m as default};
