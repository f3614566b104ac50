import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-Dshujk-1.js";import"./index-Brcy8eP1.js";export{m as default};
