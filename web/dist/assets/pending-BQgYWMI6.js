import{bk as p}from"./index-Cq7UWa-K.js";function a(r,n,o={}){return p(r,n,o)}export{a as p};
