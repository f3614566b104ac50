import{_ as e,o as c,c as r}from"./index-BFN7oOKa.js";const n={};function o(s,t){return c(),r("div",null,"TODO")}const a=e(n,[["render",o]]);export{a as default};
