import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-hjWHpXxg.js";import"./index-DWugTOII.js";export{m as default};
