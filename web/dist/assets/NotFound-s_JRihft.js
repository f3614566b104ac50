import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-gKihCjOn.js";import"./index-BijhnxG9.js";export{m as default};
