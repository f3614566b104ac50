import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-2rSII2or.js";import"./index-DiPT28DV.js";export{m as default};
