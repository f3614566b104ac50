import{_ as e,o as c,c as n}from"./index-BFN7oOKa.js";const o={};function r(t,a){return c(),n("div",null,"TODO")}const _=e(o,[["render",r]]);export{_ as default};
