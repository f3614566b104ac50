import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-BoNFqWRK.js";import"./index-D8VNkXKY.js";export{m as default};
