import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-DSCcwo4e.js";import"./index-BdRDPDfu.js";export{m as default};
