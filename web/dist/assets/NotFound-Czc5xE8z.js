import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-BNCHJzTI.js";import"./index-BWe7xfsI.js";export{m as default};
