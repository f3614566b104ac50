import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-D8YDC5IM.js";import"./index-bSwp9Rzx.js";export{m as default};
