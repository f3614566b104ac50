import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-Kf6rLSEj.js";import"./index-vJBxCL9j.js";export{m as default};
