import{_ as e,o as c,c as n}from"./index-BFN7oOKa.js";const o={};function r(t,s){return c(),n("div",null,"TODO")}const a=e(o,[["render",r]]);export{a as default};
