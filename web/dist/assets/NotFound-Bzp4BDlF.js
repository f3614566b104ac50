import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-CAjcEZw_.js";import"./index-RJMUHLrG.js";export{m as default};
