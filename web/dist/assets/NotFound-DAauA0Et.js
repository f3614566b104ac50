import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-BgsAk8np.js";import"./index-zcu0eSs6.js";export{m as default};
