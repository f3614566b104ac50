import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-Dh52UJmv.js";import"./index-D4ZBoKSQ.js";export{m as default};
