import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-CFyf2VeF.js";import"./index-D9VUyu54.js";export{m as default};
