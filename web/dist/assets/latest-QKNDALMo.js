import{av as r,ae as a}from"./index-B3ayD9ZQ.js";function o(){let e=0,t=!0;return r()&&a(()=>{t=!1,e++}),{begin(){const n=++e;return()=>t&&n===e}}}export{o as u};
