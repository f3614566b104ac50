import{_ as c,o as e,c as o}from"./index-BFN7oOKa.js";const n={};function r(s,t){return e(),o("div",null,"TODO")}const a=c(n,[["render",r]]);export{a as default};
