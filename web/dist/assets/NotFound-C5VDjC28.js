import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-j86xxv7J.js";import"./index-BOS9o9ov.js";export{m as default};
