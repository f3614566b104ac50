import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-DZU5aUlq.js";import"./index-BiskkSbH.js";export{m as default};
