import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-D4Csk48I.js";import"./index-DOkc8cm4.js";export{m as default};
