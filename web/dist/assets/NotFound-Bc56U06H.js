import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-s7mR4Fpo.js";import"./index-BAwPCcJ-.js";export{m as default};
