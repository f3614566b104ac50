import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-BUUbDVAo.js";import"./index-DmHnwirW.js";export{m as default};
