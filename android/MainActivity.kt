package dev.dioxus.main

import android.net.ConnectivityManager
import android.net.Network
import android.os.Bundle
import android.os.Environment
import android.view.KeyEvent
import android.webkit.JavascriptInterface
import android.webkit.WebView

typealias BuildConfig = org.ourvoice.app.BuildConfig

/**
 * Our Voice's activity: Dioxus' WryActivity plus what the app needs from Android.
 *
 * - Back: the button goes to the app first (`window.ourvoiceBack`, installed by src/platform.rs),
 *   which pops its own screen stack. Only when there is no screen to go back to does the app
 *   call `OurVoiceAndroid.systemBack()`, and Android does what Back does for any app.
 * - Connectivity: when a network comes up, the page gets an `ourvoice-online` event and the
 *   app sends what is waiting at once (needs ACCESS_NETWORK_STATE, declared in Dioxus.toml).
 * - Photos and voice messages: wry's web chrome client (which WryActivity installs) opens the
 *   camera app or the gallery for the form's photo buttons and settles the page's file callback
 *   on every path (photo taken, cancelled, no camera app), and asks for the microphone only when
 *   the page asks to record. The camera app writes its full-size photo, with its location and
 *   device details, into this app's Pictures folder; the page keeps only the stripped copy it
 *   prepares, so what is left there is deleted when the app starts (anything older than
 *   [CAPTURE_KEEP_MS], so a photo being handed over right now is never touched).
 */
class MainActivity : WryActivity() {
    // The app keeps its own screen stack; the web view's history is not used.
    override val handleBackNavigation: Boolean = false

    private var webView: WebView? = null
    private var networkCallback: ConnectivityManager.NetworkCallback? = null

    override fun onWebViewCreate(webView: WebView) {
        this.webView = webView
        webView.addJavascriptInterface(Bridge(), "OurVoiceAndroid")
    }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        deleteOldCaptures()
        val callback = object : ConnectivityManager.NetworkCallback() {
            override fun onAvailable(network: Network) {
                runOnUiThread { dispatch("ourvoice-online") }
            }
        }
        getSystemService(ConnectivityManager::class.java)?.registerDefaultNetworkCallback(callback)
        networkCallback = callback
    }

    override fun onDestroy() {
        networkCallback?.let {
            getSystemService(ConnectivityManager::class.java)?.unregisterNetworkCallback(it)
        }
        networkCallback = null
        super.onDestroy()
    }

    override fun onKeyDown(keyCode: Int, event: KeyEvent?): Boolean {
        val view = webView
        if (keyCode == KeyEvent.KEYCODE_BACK && view != null) {
            view.evaluateJavascript(
                "if (window.ourvoiceBack) { window.ourvoiceBack(); } else { OurVoiceAndroid.systemBack(); }",
                null,
            )
            return true
        }
        return super.onKeyDown(keyCode, event)
    }

    /** Deletes the camera app's full-size photos that the page has already read. */
    private fun deleteOldCaptures() {
        val folder = getExternalFilesDir(Environment.DIRECTORY_PICTURES) ?: return
        val before = System.currentTimeMillis() - CAPTURE_KEEP_MS
        folder.listFiles()?.forEach { file ->
            if (file.isFile && file.lastModified() < before) {
                file.delete()
            }
        }
    }

    private fun dispatch(name: String) {
        webView?.evaluateJavascript("window.dispatchEvent(new Event('$name'))", null)
    }

    companion object {
        /** How long a camera photo may wait in the Pictures folder for the page to read it. */
        const val CAPTURE_KEEP_MS: Long = 10 * 60 * 1000
    }

    /** Called by the page, on a background thread. */
    inner class Bridge {
        @JavascriptInterface
        fun systemBack() {
            // No callback is registered with the dispatcher, so this is Android's own Back:
            // the app goes to the background (Android 12+) or closes.
            runOnUiThread { onBackPressedDispatcher.onBackPressed() }
        }
    }
}
