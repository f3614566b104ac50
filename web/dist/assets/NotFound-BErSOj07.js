import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-CcDXd_6H.js";import"./index-BFN7oOKa.js";export{m as default};
