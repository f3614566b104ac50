import{ah as r,U as s}from"./index-DiPT28DV.js";function o(){let e=0,t=!0;return r()&&s(()=>{t=!1,e++}),{begin(){const n=++e;return()=>t&&n===e}}}export{o as u};
