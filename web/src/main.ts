import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import { restore, startIdleWatch, whenSignedOut } from './session'
import './style.css'

restore()
whenSignedOut(() => { void router.replace('/login') })
startIdleWatch()
createApp(App).use(router).mount('#app')
