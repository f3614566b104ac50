import{_ as e,o as c,c as t}from"./index-BFN7oOKa.js";const n={};function o(r,a){return c(),t("div",null,"TODO")}const _=e(n,[["render",o]]);export{_ as default};
