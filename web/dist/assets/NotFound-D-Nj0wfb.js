import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-DQiLz-SK.js";import"./index-DNYdr9ru.js";export{m as default};
