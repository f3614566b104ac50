import{bk as p}from"./index-DlHAdT7L.js";function a(r,n,o={}){return p(r,n,o)}export{a as p};
