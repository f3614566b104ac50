import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-COvZ3Rlz.js";import"./index-BdG1suYm.js";export{m as default};
