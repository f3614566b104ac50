import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-Chi_ywN5.js";import"./index-zC1G5U5u.js";export{m as default};
