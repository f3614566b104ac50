import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-C3YAGE3X.js";import"./index-w0vHLiFv.js";export{m as default};
