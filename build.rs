//! Embeds the directory of the prebuilt libduckdb (DUCKDB_LIB_DIR, see scripts/duckdb-lib.sh) as an rpath, so
//! the `insights` binary and the test binaries find the library without LD_LIBRARY_PATH.
fn main() {
    println!("cargo:rerun-if-env-changed=DUCKDB_LIB_DIR");
    if let Ok(dir) = std::env::var("DUCKDB_LIB_DIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
}
