import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-BVxNDgeL.js";import"./index-AJ8InKiL.js";export{m as default};
