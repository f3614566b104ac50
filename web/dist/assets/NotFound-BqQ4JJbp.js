import{_ as m}from"./NotFound.vue_vue_type_script_setup_true_lang-_YjkF6Wx.js";import"./index-BP575qVY.js";export{m as default};
