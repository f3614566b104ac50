import{_ as e,o as c,c as o}from"./index-BFN7oOKa.js";const n={};function r(t,s){return c(),o("div",null,"TODO")}const a=e(n,[["render",r]]);export{a as default};
