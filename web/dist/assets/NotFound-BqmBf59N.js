import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-Dq7iwAZw.js";import"./index-Bc1K7W8K.js";export{m as default};
