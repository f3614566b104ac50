import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-CtHGKntO.js";import"./index-D00guKKb.js";export{m as default};
