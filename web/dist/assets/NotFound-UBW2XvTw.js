import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-B91HsQfm.js";import"./index-Cq7UWa-K.js";export{m as default};
