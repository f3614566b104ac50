import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-BHmltQ4D.js";import"./index-CqlGhnby.js";export{m as default};
