import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-Dpuj0rFP.js";import"./index-B3ayD9ZQ.js";export{m as default};
