import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-C_vA7ABn.js";import"./index-C9rz7H9S.js";export{m as default};
