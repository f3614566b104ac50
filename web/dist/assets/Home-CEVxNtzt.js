import{_ as e,o as c,c as o}from"./index-B3ayD9ZQ.js";const r={};function t(n,s){return c(),o("div")}const a=e(r,[["render",t]]);export{a as default};
