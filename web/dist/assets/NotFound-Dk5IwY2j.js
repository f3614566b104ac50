import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-AmK76_FX.js";import"./index-2E79cgeJ.js";export{m as default};
