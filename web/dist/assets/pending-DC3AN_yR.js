import{bk as p}from"./index-BdG1suYm.js";function a(r,n,o={}){return p(r,n,o)}export{a as p};
