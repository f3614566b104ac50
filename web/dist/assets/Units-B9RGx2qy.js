import{_ as e,o as c,c as n}from"./index-BFN7oOKa.js";const t={};function o(r,s){return c(),n("div",null,"TODO")}const a=e(t,[["render",o]]);export{a as default};
