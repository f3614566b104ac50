import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-BeCwECJ5.js";import"./index-DOHcTo3N.js";export{m as default};
